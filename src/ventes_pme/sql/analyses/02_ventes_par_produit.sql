-- Sales by product: quantity sold and revenue of each product.
INSERT INTO result_sales_by_product (
    run_id, product_id, product_name, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    products.product_id,
    products.name AS product_name,
    sum(product_store_sales.quantity) AS quantity,
    sum(product_store_sales.revenue_cents) AS revenue_cents
FROM product_store_sales
INNER JOIN products ON product_store_sales.product_id = products.product_id
GROUP BY products.product_id, products.name;
